"""The executive monthly loyalty-health report: composed, rendered and printed.

- `months.ReportMonth`: the month a report covers, and the months it compares with.
- `compose.compose`: every section's data for a month, as plain JSON (the report's frozen
  content); `sections/` holds one module per section (`build` the data, `charts` its figures).
- `render.render`: the content as an HTML document, each chart an SVG image (`images`) or, when
  a chart fails, its table and a visible note; `pdf.pdf_from_html` prints it (WeasyPrint).
"""
