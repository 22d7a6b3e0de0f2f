;;; smoke.el --- drives eglot in `emacs --batch' against `stance lsp'
;; PATH=…/target/debug:$PATH emacs --batch -l smoke.el FILE
;; Loads init.el (the documented snippet), opens FILE, starts eglot, waits
;; for the diagnostics (flymake), asks for a hover and renames a topic;
;; exits 0 only when diagnostics and hover arrived and the rename applied.
(require 'package)
(package-initialize)
(load (expand-file-name "init.el" (file-name-directory load-file-name)))
(require 'eglot)
(require 'flymake)
(defun smoke-out (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))
(smoke-out "emacs %s, eglot %s" emacs-version
           (or (ignore-errors (package-desc-version (cadr (assq 'eglot package-alist)))) "?"))
(find-file (car command-line-args-left))
(setq command-line-args-left nil)
(smoke-out "mode %s" major-mode)
(call-interactively #'eglot)
(defun smoke-wait (pred seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.1)
      (when (bound-and-true-p flymake-mode) (flymake-start)))
    (funcall pred)))
(defvar smoke-ok t)
(unless (smoke-wait #'flymake-diagnostics 30)
  (setq smoke-ok nil)
  (smoke-out "no diagnostics"))
(dolist (d (sort (flymake-diagnostics)
                 (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b)))))
  (smoke-out "diagnostic %d:%d %s %s"
             (line-number-at-pos (flymake-diagnostic-beg d))
             (save-excursion (goto-char (flymake-diagnostic-beg d)) (1+ (current-column)))
             (flymake-diagnostic-type d)
             (flymake-diagnostic-text d)))
;; hover on `peacekeepers' in `requires peacekeepers'
(goto-char (point-min))
(search-forward "requires peacekeepers")
(backward-char 3)
(let* ((server (eglot-current-server))
       (hover (jsonrpc-request server :textDocument/hover
                               (eglot--TextDocumentPositionParams)))
       (contents (and hover (plist-get hover :contents))))
  (if contents
      (smoke-out "hover: %s" (replace-regexp-in-string
                              "\n" " " (format "%s" (or (plist-get contents :value) contents))))
    (setq smoke-ok nil)
    (smoke-out "no hover")))
;; rename the topic
(eglot-rename "troops")
(let ((n 0))
  (save-excursion
    (goto-char (point-min))
    (while (re-search-forward "\\_<troops\\_>" nil t) (setq n (1+ n))))
  (smoke-out "rename: `troops' now written %d times" n)
  (unless (= n 3) (setq smoke-ok nil)))
(condition-case err
    (progn (eglot-rename "party") (smoke-out "rename to `party': no error"))
  (error (smoke-out "rename to `party': %s" (error-message-string err))))
(smoke-out (if smoke-ok "SMOKE OK" "SMOKE FAILED"))
(set-buffer-modified-p nil)
(ignore-errors (eglot-shutdown (eglot-current-server)))
(kill-emacs (if smoke-ok 0 1))
