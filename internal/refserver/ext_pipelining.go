package refserver

// PIPELINING, RFC 2920: the server reads commands from its input buffer as
// they come and answers each in order, flushing its replies whenever the
// input is empty (§3.2); session.go does that for every session, so the
// extension is only its keyword.

var extPipelining = registerExtension(&extension{keyword: "PIPELINING"})
