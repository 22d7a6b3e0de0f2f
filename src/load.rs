//! Loading a root file and its includes through a [`FileSystem`] (the only
//! I/O abstraction the core knows), confined to the root.
