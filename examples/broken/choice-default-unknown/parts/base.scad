cylinder(h = 12, d = 90);
