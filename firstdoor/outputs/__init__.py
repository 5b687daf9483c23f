"""One module per kind of output: HTML pages, the sitemap and robots file, static assets."""
