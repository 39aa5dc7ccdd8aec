"""Computations behind the lessons' case sections, one small module per theme.

Each module takes the dataset's tables (pandas DataFrames) and returns tables a lesson can
show; the lessons only import, call and display.
"""
