from lambda_fix.entry import main

main()
