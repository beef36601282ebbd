"""Administration: harvest runs, reports and accounts, for the PPID Utama and the walidata."""
