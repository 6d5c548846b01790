"""RDF in and out: reading RDF files, SHACL validation and its reports."""
