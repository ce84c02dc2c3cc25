"""Sandbox systems: small apps that imitate the CRM, PSA and ERP products' APIs, faults included.

No real SaaS is reachable from a laptop or a CI machine, so demos and tests talk to these over
real HTTP. `core` holds what every sandbox shares (record storage that counts duplicates, fault
injection, the request log, a change feed, the `/_sandbox` admin routes); one module per
product (`salesforce`, `kantata`, `netsuite`) speaks that product's API shape.
"""
