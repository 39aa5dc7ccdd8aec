"""The synthetic Meiyijia-style dataset as everything reads it: schema, calibration, loading and checks.

The generator that writes it is :mod:`o2o.casegen` (a floor above, as it runs the scene simulator).
"""

from .check import check
from .load import Dataset, default_data_dir, load, validate_table
from .schema import DATASET_VERSION, FOREIGN_KEYS, TABLES

__all__ = ["check", "Dataset", "default_data_dir", "load", "validate_table", "DATASET_VERSION",
           "FOREIGN_KEYS", "TABLES"]
