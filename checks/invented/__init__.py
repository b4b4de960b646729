"""Code an assistant invented: imports of packages that exist nowhere the project can see,
and security APIs libraries have removed. Reads dependency declarations and installed
distribution metadata as files; never imports or runs the analysed project's code.
"""
