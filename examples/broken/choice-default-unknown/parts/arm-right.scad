mirror([1, 0, 0]) cube([80, 12, 6]);
