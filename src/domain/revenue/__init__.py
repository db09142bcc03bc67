"""ASC 606 / IFRS 15 revenue recognition, as pure maths over facts.

The five steps: a signed order is a contract (`contract`); its lines, or
bundles of lines that are not distinct, are performance obligations, each with
a satisfaction pattern (`progress`); the transaction price is the lines' net
prices plus constrained variable consideration (`variable`); it is allocated by
relative standalone selling price, with discount rules and the residual
approach (`allocation`); and revenue is recognised as progress is made, each
month the rounded cumulative to date less the rounded cumulative before
(`recognition`). Contract changes are classified and applied in `modification`.
"""
