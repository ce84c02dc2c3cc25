"""`python -m seeds`: regenerate the seed files (see seeds/generate.py)."""

from seeds.generate import main

raise SystemExit(main())
