"""The JSON Schemas of ohw's file formats, shipped inside the package as data."""
