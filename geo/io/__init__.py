"""Reading articles in: files, uploads, HTML, manifests."""
