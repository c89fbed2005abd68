-- Recipient policy of the inbucket test bed (INBUCKET_LUA_PATH): the domain
-- example.test has the mailboxes alice and bob, and postmaster (bare or in
-- the domain, any case); other users get 550 at RCPT, other domains are
-- refused as relaying. Inbucket by itself accepts any address.
local mailboxes = { alice = true, bob = true, postmaster = true }

function inbucket.before.rcpt_to_accepted(session)
  local addr = string.lower(session.to[#session.to].address)
  if addr == "postmaster" then
    return smtp.allow()
  end
  local user, domain = string.match(addr, "^(.*)@([^@]*)$")
  if user == nil then
    return smtp.deny(550, "5.1.3 Address has no domain")
  end
  if domain ~= "example.test" then
    return smtp.deny(550, "5.7.1 Relay not permitted")
  end
  if mailboxes[user] then
    return smtp.allow()
  end
  return smtp.deny(550, "5.1.1 User unknown")
end
