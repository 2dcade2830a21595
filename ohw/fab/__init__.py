"""The Fab Lab's side: build kits and their pages, the BOM for N units, printers, materials."""
