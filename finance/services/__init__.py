"""Writes of the books: each service is atomic, runs inside an association scope, validates and
raises `WaslError` with a translated message (nothing changed), and records posts, reversals and
closings in the audit chain.

    chart.py    accounts: add a sub-account or a reference account, rename, archive
    entries.py  drafts, posting (number, hash chain, freeze), reversal, scans
    years.py    fiscal years: open, close (result, closing and opening entries), allocate the result
    projects.py projects and programmes
"""
