"""The synthetic Meiyijia-style dataset: generation, schema, loading and checks."""

from .build import build
from .check import check
from .load import Dataset, default_data_dir, load, validate_table
from .schema import DATASET_VERSION, FOREIGN_KEYS, TABLES

__all__ = ["build", "check", "Dataset", "default_data_dir", "load", "validate_table", "DATASET_VERSION",
           "FOREIGN_KEYS", "TABLES"]
