"""The portfolio: many schools' policies checked together, for a trust or a local
authority (``sociallpolicy portfolio``).

- :mod:`.schema`: the shape of ``portfolio.json`` (the contract with its readers);
- :mod:`.run`: find the schools, check them in worker processes, shards;
- :mod:`.record`: one school's record, read from its build's evaluation;
- :mod:`.cache`: the content-hash cache of unchanged schools;
- :mod:`.assemble`: the summary, requirements and exit code over the schools;
- :mod:`.merge`: the shards of a CI matrix as one portfolio;
- :mod:`.output` and :mod:`.spreadsheet`: the files and the printed text;
- :mod:`.dashboard`: the static HTML dashboard.
"""
