;;; init.el --- the Emacs (eglot) setup of docs/editors.md, as tried
(define-derived-mode stance-mode prog-mode "Stance"
  (setq-local comment-start "# "))
(add-to-list 'auto-mode-alist '("\\.stance\\'" . stance-mode))
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(stance-mode "stance" "lsp")))
