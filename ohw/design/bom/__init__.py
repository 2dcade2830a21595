"""The bill of materials: items as bom.yaml holds them, and BOM tables as people write them."""
