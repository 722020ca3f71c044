"""Running the notebooks: parameters, runner, manifest, nbval baseline."""
