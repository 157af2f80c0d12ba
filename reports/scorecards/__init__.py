"""Partner scorecards: the evidence each criterion reads, and the formula that scores it.

`evidence` runs one grouped query per criterion for every partner and month at once; `formula`
turns a month's evidence into sub-scores, the weighted score and its standing. The service that
stores the scores is `reports.services.scorecards`, the reads the pages share are in
`reports.selectors.scorecards`.
"""
