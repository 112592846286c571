// Anchor of the precompiled headers the project's targets reuse (CMakeLists.txt, AETHEX_PCH):
// a target needs one source to own them.
