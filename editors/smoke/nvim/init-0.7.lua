-- The Neovim 0.7–0.10 setup of docs/editors.md (no `vim.lsp.config`):
-- start `stance lsp` for every buffer of filetype `stance`.
-- (`vim.filetype.add` needs `vim.g.do_filetype_lua = 1` before 0.8)
vim.cmd([[autocmd BufRead,BufNewFile *.stance setfiletype stance]])
vim.api.nvim_create_autocmd("FileType", {
  pattern = "stance",
  callback = function(args)
    local root = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ":p:h")
    local id = vim.lsp.start_client({
      name = "stance",
      cmd = { "stance", "lsp" },
      root_dir = root,
    })
    if id then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})
