"""Pure entity-resolution library: records in, decisions out.

It never imports the hub (`mdm`), a database layer or a web framework, and keeps no global state.
"""

__version__ = "0.1.0"
