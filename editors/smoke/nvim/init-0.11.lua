-- The Neovim 0.11+ setup of docs/editors.md, as tried (`vim.lsp.config`).
vim.filetype.add({ extension = { stance = "stance" } })
vim.lsp.config("stance", {
  cmd = { "stance", "lsp" },
  filetypes = { "stance" },
  root_markers = { ".stanceignore", ".git" },
})
vim.lsp.enable("stance")
