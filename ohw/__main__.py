from ohw.cli.main import program

program()
