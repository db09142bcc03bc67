"""Configure, price, quote: the catalogue, pricing and configuration rules, quotes.

`catalogue` is the effective-dated catalogue aggregate and the rule data;
`pricing` and `validation` the pure arithmetic and checks; `quote` the Quote
aggregate and the order an accepted quote becomes.
"""
