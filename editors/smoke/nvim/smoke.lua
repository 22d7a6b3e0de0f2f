-- Drives Neovim headless against `stance lsp`: waits for the diagnostics
-- of the current buffer, asks for a hover and a rename, prints what
-- arrived, and exits 0 only when diagnostics and hover arrived.
--   PATH=…/target/debug:$PATH nvim --headless -u init-0.7.lua FILE -c 'luafile smoke.lua'
local buf = vim.api.nvim_get_current_buf()
local function out(s) io.stdout:write(s .. "\n") end
out("nvim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "." .. tostring(vim.version().patch))

local got = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local diags = vim.diagnostic.get(buf)
table.sort(diags, function(a, b) return a.lnum < b.lnum end)
for _, d in ipairs(diags) do
  out(string.format("diagnostic %d:%d %s %s", d.lnum + 1, d.col + 1, tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)), d.message))
end

-- hover on `peacekeepers` in line 8 (0-based 7), column of the word
local line = vim.api.nvim_buf_get_lines(buf, 7, 8, false)[1] or ""
local col = (line:find("peacekeepers", 1, true) or 1) - 1
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 7, character = col } }
local hover = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 10000)
local hovered = false
for _, r in pairs(hover or {}) do
  if r.result and r.result.contents then
    hovered = true
    out("hover: " .. (r.result.contents.value or vim.inspect(r.result.contents)):gsub("\n", " "))
  end
end

-- rename `peacekeepers` to `troops`, applied to the buffer as :lua vim.lsp.buf.rename() would
params.newName = "troops"
local renamed_ok = false
local renamed = vim.lsp.buf_request_sync(buf, "textDocument/rename", params, 10000)
for id, r in pairs(renamed or {}) do
  if r.result then
    local client = vim.lsp.get_client_by_id(id)
    vim.lsp.util.apply_workspace_edit(r.result, client and client.offset_encoding or "utf-16")
    local n = 0
    for _, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
      local _, c = l:gsub("%f[%w_]troops%f[^%w_]", "")
      n = n + c
    end
    renamed_ok = n == 3
    out("rename: `troops` now written " .. n .. " times:")
    for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
      if l:find("troops", 1, true) then out(string.format("  %d: %s", i, l)) end
    end
  elseif r.err then
    out("rename error: " .. r.err.message)
  end
end

-- the editor's own rename command (it asks prepareRename first), on the
-- `troops` of line 12
vim.api.nvim_win_set_cursor(0, { 12, (vim.api.nvim_buf_get_lines(buf, 11, 12, false)[1] or ""):find("troops", 1, true) or 0 })
vim.lsp.buf.rename("forces")
local function count(word)
  local n = 0
  for _, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local _, c = l:gsub("%f[%w_]" .. word .. "%f[^%w_]", "")
    n = n + c
  end
  return n
end
local command_ok = vim.wait(10000, function() return count("forces") == 3 end, 50)
out("vim.lsp.buf.rename: `forces` now written " .. count("forces") .. " times, `troops` " .. count("troops"))

-- a keyword is refused
params.newName = "party"
for _, r in pairs(vim.lsp.buf_request_sync(buf, "textDocument/rename", params, 10000) or {}) do
  local e = r.err or r.error
  out("rename to `party`: " .. (e and e.message or ("no error: " .. vim.inspect(r))))
end

local ok = got and hovered and renamed_ok and command_ok
out(ok and "SMOKE OK" or "SMOKE FAILED")
vim.cmd(ok and "qa!" or "cq!")
