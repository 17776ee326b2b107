"""Reports of the books: statements (Bilan, CPC) in the association layout with the previous year
beside, trial balance, journal, general ledger, cash and bank position, budget vs actual, by
project. Every report is built as a `Report` (tables of rows, amounts as Decimal), which the page,
the PDF, CSV/XLSX exports and the API all render: one computation, four outputs. Sums are
aggregated in the database (GROUP BY account code); Python only maps a few hundred account codes
to layout lines."""
