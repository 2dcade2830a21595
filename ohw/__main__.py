from ohw.main import program

program()
