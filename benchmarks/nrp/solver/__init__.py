"""The public benchmark (Curtois & Qu 2014) on the same core primitives as the port model.

model.py           the instance as a CP-SAT model (also of some employees, the others
                   as facts)
neighbourhoods.py  the search on copies of the whole model (staff, days, both)
staff.py           a first roster employee by employee; neighbourhoods of whole
                   employees on models of their own
solve.py           solve_instance: which of those, within the time limit
"""

from benchmarks.nrp.solver.model import RUNS, add_employee, build
from benchmarks.nrp.solver.solve import NrpResult, solve_instance

__all__ = ["RUNS", "NrpResult", "add_employee", "build", "solve_instance"]
