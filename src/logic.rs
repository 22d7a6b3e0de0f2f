//! Statements → clauses (Tseitin encoding under selector literals).
