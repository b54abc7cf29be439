# One way to run things, locally and in CI. Each target calls a script in scripts/.
.PHONY: setup serve test validate bench

setup:
	scripts/setup

serve:
	scripts/serve

test:
	scripts/test

validate: setup
	.venv/bin/hwkg validate
