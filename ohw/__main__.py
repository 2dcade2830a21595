from ohw.main import main

raise SystemExit(main())
