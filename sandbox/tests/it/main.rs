//! The sandbox over real HTTP (reqwest): Graph data, login flavours, OAuth, clock, faults.

mod graph;
