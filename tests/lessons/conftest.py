"""Fixtures of the lesson tests."""

from __future__ import annotations

import pytest
from lesson_helpers import LESSONS, lesson_id


@pytest.fixture(params=LESSONS, ids=lesson_id)
def lesson(request):
    """Each lesson of the syllabus in turn."""
    return request.param
