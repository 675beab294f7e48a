not a model: hidden folders are skipped
