# A fake of `opencode serve`'s event stream on a random loopback port, started in an example's own pwsh before the
# example runs; dot-sourced by the example's wrapper (see Invoke-DocExample). GET /global/event with the sandbox's
# server password (Basic, user opencode) gets a permission and a question asked, in the shapes tests/Unit
# ServerWatchTests uses, and the stream stays open until the fake stops; a wrong password gets 401, anything else 404.
# It answers as a 1.x server (GET /global/health with version 1.18.33) and holds that permission and question as
# pending requests in the 1.18.33 shapes (GET /permission, GET /question), taking their answers (POST
# /permission/per_1/reply, /question/que_1/reply|reject); GET /session/status says ses_a is busy.
# Each request is logged (method, path, status) to $Log, one line each.

function Start-ServeFake([string] $Log, [string] $Password) {
    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $listener = [Net.HttpListener]::new()
    $listener.Prefixes.Add("http://127.0.0.1:$port/")
    $listener.Start()
    $events = @(
        '{"directory":"/home/dev/projects/alpha","payload":{"id":"evt_1","type":"permission.asked","properties":{"id":"per_1","sessionID":"ses_a","permission":"bash","patterns":["rm -rf build"],"metadata":{},"always":[]}}}'
        '{"directory":"/home/dev/projects/alpha","payload":{"id":"evt_2","type":"question.asked","properties":{"id":"que_1","sessionID":"ses_a","questions":[{"question":"Which database?","header":"DB","options":[]}]}}}'
    )
    $serve = [powershell]::Create()
    $null = $serve.AddScript({
        param($listener, $log, $authorization, $events)
        $open = [Collections.Generic.List[object]]::new() # event streams held open until the fake stops
        while ($listener.IsListening) {
            try { $context = $listener.GetContext() } catch { break }
            $request = $context.Request
            $path = $request.Url.AbsolutePath
            $json = switch ("$($request.HttpMethod) $path") {
                'GET /global/health' { '{"healthy":true,"version":"1.18.33"}' }
                'GET /permission' { '[{"id":"per_1","sessionID":"ses_a","permission":"bash","patterns":["rm -rf build"],"metadata":{},"always":["rm *"],"tool":{"messageID":"msg_a","callID":"call_a"}}]' }
                'GET /question' { '[{"id":"que_1","sessionID":"ses_a","questions":[{"question":"Which database?","header":"DB","options":[{"label":"SQLite","description":"A file."},{"label":"Postgres","description":"A server."}]}]}]' }
                'GET /session/status' { '{"ses_a":{"type":"busy"}}' }
                { $_ -in 'POST /permission/per_1/reply', 'POST /question/que_1/reply', 'POST /question/que_1/reject' } { 'true' }
            }
            $status = if ($request.Headers['Authorization'] -cne $authorization) { 401 } elseif ($path -eq '/global/event' -or $json) { 200 } else { 404 }
            Add-Content -LiteralPath $log -Value "$($request.HttpMethod) $path $status"
            $context.Response.StatusCode = $status
            if ($status -ne 200) { $context.Response.Close(); continue }
            if ($json) {
                $context.Response.ContentType = 'application/json'
                $bytes = [Text.Encoding]::UTF8.GetBytes($json)
                $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
                $context.Response.Close()
                continue
            }
            $context.Response.ContentType = 'text/event-stream'
            $context.Response.SendChunked = $true
            $bytes = [Text.Encoding]::UTF8.GetBytes((($events | ForEach-Object { "data: $_`n`n" }) -join ''))
            $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
            $context.Response.OutputStream.Flush()
            $open.Add($context)
        }
    }).AddParameters(@{
        listener = $listener; log = $Log; events = $events
        authorization = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("opencode:$Password"))
    })
    $null = $serve.BeginInvoke()
    [pscustomobject]@{ BaseUri = "http://127.0.0.1:$port"; Listener = $listener; Serve = $serve }
}

function Stop-ServeFake($Fake) {
    $Fake.Listener.Stop()
    $Fake.Listener.Close()
    $Fake.Serve.Dispose()
}

# Registers the fake as OpenCode 2.x registers its background service: $HOME/.local/state/opencode/service.json
# {id, version, url, pid, password}, owner-only; the pid is the example's own pwsh, so the service reads as running.
function Register-ServeFake([string] $BaseUri, [string] $Password) {
    $state = Join-Path $HOME '.local/state/opencode'
    $null = New-Item -ItemType Directory -Force $state
    $file = Join-Path $state 'service.json'
    $json = [ordered]@{ id = 'f1e2d3c4-0000-4000-8000-000000000001'; version = '2.0.18'; url = $BaseUri; pid = $PID; password = $Password } | ConvertTo-Json -Compress
    Set-Content -LiteralPath $file -Value $json -NoNewline
    [IO.File]::SetUnixFileMode($file, [IO.UnixFileMode]'UserRead, UserWrite')
}
