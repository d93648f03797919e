-- Drives Neovim's built-in LSP client against `numa-lab lsp --stdio`, headless. The plan (JSON in
-- $NUMA_LSP_PLAN) names the server command, the scenario file and the positions to ask about; what
-- the client saw is written as JSON to $NUMA_LSP_OUT, then Neovim quits without saving anything.
local plan = vim.fn.json_decode(os.getenv('NUMA_LSP_PLAN'))
local out = { steps = {} }
local published = 0

local function finish()
  local f = assert(io.open(os.getenv('NUMA_LSP_OUT'), 'w'))
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd('qall!')
end

local function step(name, fn)
  local ok, err = pcall(fn)
  table.insert(out.steps, { name = name, ok = ok, error = ok and vim.NIL or tostring(err) })
  if not ok then finish() end
end

vim.cmd('edit ' .. vim.fn.fnameescape(plan.file))
vim.bo.filetype = 'numa'
local buf = vim.api.nvim_get_current_buf()

local config = {
  name = 'numa-lab',
  cmd = plan.cmd,
  root_dir = vim.fn.fnamemodify(plan.file, ':h'),
  settings = { numaLab = { budget = 1 } },
  on_init = function() out.initialized = true end,
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
      published = published + 1
      return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, cfg)
    end,
  },
}

step('start', function()
  -- vim.lsp.start (Neovim 0.8+) starts and attaches in one call; Debian 12's 0.7 has the two parts.
  if vim.lsp.start then
    out.api = 'vim.lsp.start'
    out.client = vim.lsp.start(config)
  else
    out.api = 'vim.lsp.start_client'
    out.client = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, out.client)
  end
  assert(vim.wait(20000, function() return out.initialized == true end, 20), 'the server did not initialise')
end)

local function request(method, params)
  local responses = vim.lsp.buf_request_sync(buf, method, params, 10000)
  assert(responses and responses[out.client], method .. ': no response')
  local r = responses[out.client]
  assert(not r.err, method .. ': ' .. vim.inspect(r.err))
  return r.result
end

local function diagnostics()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(list, { line = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity, message = d.message,
      code = d.code or lsp.code, source = d.source })
  end
  return list
end

step('open', function()
  assert(vim.wait(20000, function() return published > 0 end, 20), 'no diagnostics were published for the example')
  out.open_diagnostics = diagnostics()
end)

step('hover', function()
  local result = request('textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = plan.hover })
  out.hover = result and result.contents and (result.contents.value or result.contents) or vim.NIL
end)

step('broken line', function()
  local before = published
  vim.api.nvim_buf_set_lines(buf, plan.broken.line, plan.broken.line + 1, false, { plan.broken.text })
  assert(vim.wait(20000, function() return published > before and #vim.diagnostic.get(buf) > 0 end, 20), 'no diagnostic for the broken line')
  out.broken_diagnostics = diagnostics()
end)

step('completion', function()
  vim.api.nvim_buf_set_lines(buf, plan.completion.line, plan.completion.line, false, { plan.completion.text })
  local result = request('textDocument/completion', { textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = plan.completion.line, character = #plan.completion.text } })
  local items = result and (result.items or result) or {}
  out.completion = {}
  for _, item in ipairs(items) do table.insert(out.completion, item.label) end
end)

finish()
