"""Cut online_retail_2010-12.csv: 300 rows of the UCI "Online Retail" invoice lines (UK wholesaler, Dec 2010).

Source: ``Online Retail.csv`` in github.com/FatymaHassan/Online-Retail-Data-Analysis (commit 7823ad8), a copy of
the first 28,491 lines of the UCI Machine Learning Repository dataset "Online Retail" (Daqing Chen, 2015,
CC BY 4.0) with a TotalPrice column the copier added. Kept unchanged: the columns, the US dates with
two-digit years (``12/13/10 14:16``), the values. Left out: cancellations (invoice numbers starting with C,
negative quantities; the contract keeps returns in their own table) and lines without a CustomerID. Every
line of every 9th remaining invoice of at most 12 lines (the whole 13 days).
Run: ``python make_online_retail.py FULL.csv``.
"""

import sys
from pathlib import Path

import pandas as pd

full = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
kept = full[~full["InvoiceNo"].str.startswith("C") & (full["CustomerID"] != "")]
sizes = kept.groupby("InvoiceNo", sort=False).size()
invoices = sizes[sizes <= 12].index[::9]
excerpt = kept[kept["InvoiceNo"].isin(invoices)].head(300)
excerpt.to_csv(Path(__file__).with_name("online_retail_2010-12.csv"), index=False)
print(len(excerpt), excerpt["InvoiceNo"].nunique(), excerpt["InvoiceDate"].iloc[[0, -1]].tolist())
