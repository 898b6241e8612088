print("dbtsh")
