# A fake of OpenCode's Go usage endpoints on a random loopback port, started in an example's own pwsh before the
# example runs; dot-sourced by the example's wrapper (see Invoke-DocExample). It answers with the shapes of
# tests/Shared/GoResponses.cs, read from that file: GET <base>/zen/go/v1/usage with the sandbox's OpenCode API key as
# Bearer token gets the API's JSON, GET <base>/workspace/<id>/go with the sandbox's cookie gets the console page;
# anything else gets 401 or 404. Each request is logged (method, path, status) to $Log, one line each.

function Get-GoResponse([string] $Repo, [string] $Name) {
    $source = Get-Content -Raw "$Repo/tests/Shared/GoResponses.cs"
    $match = [regex]::Match($source, "const string $Name = `"`"`"(?:\r?\n)?(.*?)(?:\r?\n\s*)?`"`"`";", 'Singleline')
    if (-not $match.Success) { throw "GoResponses.$Name not found in tests/Shared/GoResponses.cs" }
    # A C# raw string drops the indentation of its closing quotes from every line.
    ($match.Groups[1].Value -split '\r?\n' | ForEach-Object { $_ -replace '^\s{8}' }) -join "`n"
}

function Start-GoFake([string] $Repo, [string] $Log, [string] $ApiKey, [string] $Cookie) {
    # A free port: the kernel picks one for a moment's TcpListener, and the fake takes it.
    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $listener = [Net.HttpListener]::new()
    $listener.Prefixes.Add("http://127.0.0.1:$port/")
    $listener.Start()

    $serve = [powershell]::Create()
    $null = $serve.AddScript({
        param($listener, $log, $apiKey, $cookie, $api, $page, $unauthorized)
        while ($listener.IsListening) {
            try { $context = $listener.GetContext() } catch { break }
            $request = $context.Request
            $path = $request.Url.AbsolutePath
            $status, $type, $body = if ($path -match '/zen/go/v1/usage$') {
                if ($request.Headers['Authorization'] -ceq "Bearer $apiKey") { 200, 'application/json', $api } else { 401, 'application/json', $unauthorized }
            }
            elseif ($path -match '/workspace/[^/]+/go$') {
                if ($request.Headers['Cookie'] -ceq "auth=$cookie") { 200, 'text/html', $page } else { 401, 'application/json', $unauthorized }
            }
            else { 404, 'text/plain', 'not found' }
            Add-Content -LiteralPath $log -Value "$($request.HttpMethod) $path $status"
            $bytes = [Text.Encoding]::UTF8.GetBytes($body)
            $context.Response.StatusCode = $status
            $context.Response.ContentType = $type
            $context.Response.ContentLength64 = $bytes.Length
            $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
            $context.Response.Close()
        }
    }).AddParameters(@{
        listener = $listener; log = $Log; apiKey = $ApiKey; cookie = $Cookie
        api = Get-GoResponse $Repo Api; page = Get-GoResponse $Repo Page; unauthorized = Get-GoResponse $Repo Unauthorized
    })
    $null = $serve.BeginInvoke()
    [pscustomobject]@{ BaseUri = "http://127.0.0.1:$port/"; Listener = $listener; Serve = $serve }
}

function Stop-GoFake($Fake) {
    $Fake.Listener.Stop()
    $Fake.Listener.Close()
    $Fake.Serve.Dispose()
}
