"""The hub's system APIs: one port per role (CRM, PSA, ERP) and adapters per product.

Flows call `ports` verbs only; an adapter (`salesforce`, `kantata`, `netsuite`) turns them into
that product's real API calls over `http.VendorClient`, and turns the product's failures into
`errors` the job queue understands (retry later, or give up).
"""
