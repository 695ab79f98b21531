from lambda_fix.cli import main

main()
