# Credentials and OpenCode Go, for machines with pwsh 7.4+ and Pester 5: ./build.ps1 -Task Build, Test
# Mirrors tests/Hosted/Credentials (GetOpenCodeCredentialTests, SetOpenCodeGoCookieTests, GetOpenCodeGoQuotaTests,
# SecretStreamTests). Every source is pointed at a home under $TestDrive; a loopback HttpListener stands in for opencode.ai.

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/artifacts/module/OpenCodeUsage" -Force -ErrorAction Stop
    $data = "$repo/tests/data/oc-1.18.33/opencode"

    $secrets = @{
        OpenCodeApiKey = 'sk-ocu-env-opencode-Q7pX9vLr4KsW2m'
        AuthApiKey     = 'sk-ocu-auth-anthropic-M3nB8vC1xZ5t'
        ConfigKey      = 'sk-ocu-config-mock-H8jK0lZ2xC6vBn'
        Cookie         = 'Fe26.2**ocu-test-cookie**Y7uI9oP1aS3dFg'
    }
    # What masking never shows: a text holding it holds the secret.
    function Get-Leak([string] $Text) { $secrets.Values | Where-Object { $Text.Contains($_.Substring(3, $_.Length - 7)) } }

    $variables = 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'OPENCODE_CONFIG', 'OPENCODE_CONFIG_DIR', 'OPENCODE_CONFIG_CONTENT',
        'OPENCODE_AUTH_CONTENT', 'OPENCODE_API_KEY', 'OPENCODE_GO_WORKSPACE_ID', 'OPENCODE_GO_AUTH_COOKIE', 'ANTHROPIC_API_KEY'
    $saved = @{}
    foreach ($name in $variables) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $null) }

    # $HOME itself is read-only in PowerShell: the variable is named apart from it.
    $testHome = Join-Path $TestDrive home
    $env:HOME = $testHome
    $project = Join-Path $testHome 'work/project'
    New-Item -ItemType Directory "$project/.git", "$testHome/.local/share/opencode", "$testHome/.config/opencode", "$testHome/.cache/opencode" | Out-Null
    Set-Content "$testHome/.local/share/opencode/auth.json" "{ ""anthropic"": { ""type"": ""api"", ""key"": ""$($secrets.AuthApiKey)"" } }"
    Set-Content "$testHome/.config/opencode/opencode.jsonc" "// JSONC`n{ ""provider"": { ""mock"": { ""options"": { ""apiKey"": ""{env:MOCK_API_KEY}"", }, }, }, }"
    Set-Content "$testHome/.cache/opencode/models.json" '{ "anthropic": { "env": ["ANTHROPIC_API_KEY"] }, "opencode": { "env": ["OPENCODE_API_KEY"] } }'
    $env:MOCK_API_KEY = $secrets.ConfigKey
    $env:ANTHROPIC_API_KEY = $secrets.OpenCodeApiKey

    function Start-Loopback([hashtable[]] $Responses) {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $requests = [System.Collections.Concurrent.ConcurrentQueue[object]]::new()
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($listener, $responses, $requests)
                $i = 0
                while ($listener.IsListening) {
                    try { $context = $listener.GetContext() } catch { break }
                    $r = $responses[[Math]::Min($i++, $responses.Count - 1)]
                    $requests.Enqueue([pscustomobject]@{
                            Path = $context.Request.RawUrl; Authorization = $context.Request.Headers['Authorization']; Cookie = $context.Request.Headers['Cookie'] })
                    $bytes = [Text.Encoding]::UTF8.GetBytes($r.Body)
                    $context.Response.StatusCode = $r.Status
                    $context.Response.ContentType = if ($r.ContentType) { $r.ContentType } else { 'application/json' }
                    $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
                    $context.Response.Close()
                }
            }).AddArgument($listener).AddArgument($Responses).AddArgument($requests)
        $null = $ps.BeginInvoke()
        [pscustomobject]@{ Uri = "http://127.0.0.1:$port/"; Listener = $listener; PowerShell = $ps; Requests = $requests }
    }

    function Stop-Loopback($Server) { $Server.Listener.Stop(); $Server.Listener.Close(); $Server.PowerShell.Dispose() }

    $apiBody = '{"workspaceID":"wrk_api","usage":{"rolling":{"status":"ok","percent":42,"resetsAt":"2026-11-27T15:00:00Z"},' +
        '"weekly":{"status":"ok","percent":12,"resetsAt":"2026-11-30T00:00:00Z"},"monthly":{"status":"rate-limited","percent":100,"resetsAt":"2026-12-01T00:00:00Z"}}}'
    $pageBody = '<script>$R[27]={rollingUsage:$R[28]={status:"ok",resetInSec:3600,usagePercent:12},weeklyUsage:$R[29]={status:"ok",resetInSec:86400,usagePercent:30},monthlyUsage:$R[30]={status:"ok",resetInSec:600,usagePercent:55}}</script>'
}

AfterAll {
    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    Remove-Item Env:MOCK_API_KEY -ErrorAction SilentlyContinue
}

Describe 'Get-OpenCodeCredential' {
    BeforeEach { Push-Location $project }
    AfterEach { Pop-Location }

    It 'lists each credential with the role OpenCode gives it, masked' {
        $all = Get-OpenCodeCredential
        $auth = $all | Where-Object { $_.ProviderId -eq 'anthropic' -and $_.Source -like '*auth.json#anthropic' }
        $auth.Role | Should -Be 'Delegation'
        $auth.MaskedValue | Should -Be ($secrets.AuthApiKey.Substring(0, 3) + '…' + $secrets.AuthApiKey.Substring($secrets.AuthApiKey.Length - 4))
        $auth.Secret | Should -BeOfType [securestring]
        ($all | Where-Object Source -eq 'ANTHROPIC_API_KEY').Role | Should -Be 'None'   # auth.json wins over the environment
        ($all | Where-Object ProviderId -eq 'mock').Source | Should -BeLike '*opencode.jsonc#provider.mock.options.apiKey ({env:MOCK_API_KEY})'
        $all[0] | Should -BeOfType [OpenCodeUsage.Credential]
    }

    It 'adds a plain Value only with -AsPlainText' {
        (Get-OpenCodeCredential anthropic | Get-Member -Name Value) | Should -BeNullOrEmpty
        (Get-OpenCodeCredential mock -AsPlainText).Value | Should -Be $secrets.ConfigKey
    }

    It 'reports a malformed auth.json with its position and still lists the rest' {
        $env:OPENCODE_AUTH_CONTENT = "{ ""anthropic"": { ""key"": $($secrets.AuthApiKey) } }"
        try {
            $listed = Get-OpenCodeCredential -ErrorVariable problems -ErrorAction SilentlyContinue
            $problems[0].FullyQualifiedErrorId | Should -Be 'AuthFileInvalid,OpenCodeUsage.Commands.GetOpenCodeCredentialCommand'
            $problems[0].Exception.Message | Should -Match 'line 1, column \d+'
            Get-Leak ($problems | Out-String) | Should -BeNullOrEmpty
            $listed.ProviderId | Should -Contain 'mock'
        }
        finally { Remove-Item Env:OPENCODE_AUTH_CONTENT }
    }
}

Describe 'Set-OpenCodeGoCookie' {
    It 'writes an owner-only file from a piped SecureString' {
        $path = Join-Path $TestDrive 'go.json'
        $credential = ConvertTo-SecureString $secrets.Cookie -AsPlainText -Force |
            Set-OpenCodeGoCookie -WorkspaceId https://opencode.ai/workspace/wrk_01PESTER/go -Path $path -PassThru
        $written = Get-Content $path -Raw | ConvertFrom-Json
        $written.workspaceId | Should -Be 'wrk_01PESTER'
        $written.authCookie | Should -Be $secrets.Cookie
        $credential.Type | Should -Be 'Cookie'
        if (-not $IsWindows) { (Get-Item $path).UnixFileMode | Should -Be ([System.IO.UnixFileMode] 'UserRead, UserWrite') }
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.json'
        Set-OpenCodeGoCookie wrk_1 -Path $path -WhatIf
        $path | Should -Not -Exist
    }

    It 'refuses a workspace id that is neither an id nor a dashboard URL' {
        { ConvertTo-SecureString x -AsPlainText -Force | Set-OpenCodeGoCookie -WorkspaceId 'not an id!' -Path (Join-Path $TestDrive x.json) } |
            Should -Throw -ErrorId 'GoWorkspaceIdInvalid,OpenCodeUsage.Commands.SetOpenCodeGoCookieCommand'
    }
}

Describe 'Get-OpenCodeGoQuota' {
    BeforeEach { Push-Location $project }
    AfterEach { Pop-Location; Remove-Item Env:OPENCODE_API_KEY -ErrorAction SilentlyContinue }

    It 'reads the three windows from the usage endpoint with the API key' {
        $env:OPENCODE_API_KEY = $secrets.OpenCodeApiKey
        $server = Start-Loopback @(@{ Status = 200; Body = $apiBody })
        try {
            $rows = Get-OpenCodeGoQuota -BaseUri $server.Uri -DataPath $data
            $rows.Window | Should -Be 'Rolling', 'Weekly', 'Monthly'
            $rows.Source | Should -Be 'Api', 'Api', 'Api'
            $rows[2].Status | Should -Be 'RateLimited'
            $rows[0] | Should -BeOfType [OpenCodeUsage.GoQuota]
            $request = $null; $null = $server.Requests.TryPeek([ref] $request)
            $request.Authorization | Should -Be "Bearer $($secrets.OpenCodeApiKey)"
        }
        finally { Stop-Loopback $server }
    }

    It 'maps 401 to GoAuthFailed and 403 EntitlementError to GoNotSubscribed' {
        $env:OPENCODE_API_KEY = $secrets.OpenCodeApiKey
        $server = Start-Loopback @(@{ Status = 401; Body = '{"type":"AuthError"}' }, @{ Status = 403; Body = '{"type":"EntitlementError"}' })
        try {
            { Get-OpenCodeGoQuota -BaseUri $server.Uri -DataPath $data } | Should -Throw -ErrorId 'GoAuthFailed,OpenCodeUsage.Commands.GetOpenCodeGoQuotaCommand'
            { Get-OpenCodeGoQuota -BaseUri $server.Uri -DataPath $data } | Should -Throw -ErrorId 'GoNotSubscribed,OpenCodeUsage.Commands.GetOpenCodeGoQuotaCommand'
        }
        finally { Stop-Loopback $server }
    }

    It 'reads a server-rendered console page with the cookie, and fails clearly on the client-side shell' {
        $path = Join-Path $TestDrive 'page-go.json'
        ConvertTo-SecureString $secrets.Cookie -AsPlainText -Force | Set-OpenCodeGoCookie -WorkspaceId wrk_page -Path $path
        $server = Start-Loopback @(@{ Status = 200; Body = $pageBody; ContentType = 'text/html' }, @{ Status = 200; Body = '<div id="app"></div>'; ContentType = 'text/html' })
        try {
            (Get-OpenCodeGoQuota -CookiePath $path -BaseUri $server.Uri -DataPath $data).Source | Should -Be 'Cookie', 'Cookie', 'Cookie'
            { Get-OpenCodeGoQuota -CookiePath $path -BaseUri $server.Uri -DataPath $data } |
                Should -Throw -ErrorId 'GoQuotaUnavailable,OpenCodeUsage.Commands.GetOpenCodeGoQuotaCommand' -ExpectedMessage '*no longer carries usage data*'
        }
        finally { Stop-Loopback $server }
    }

    It 'refuses a cookie file others can read, saying which chmod to run' -Skip:$IsWindows {
        $path = Join-Path $TestDrive 'open-go.json'
        ConvertTo-SecureString $secrets.Cookie -AsPlainText -Force | Set-OpenCodeGoCookie -WorkspaceId wrk_1 -Path $path
        [IO.File]::SetUnixFileMode($path, 'UserRead, UserWrite, GroupRead, OtherRead')
        { Get-OpenCodeGoQuota -CookiePath $path -BaseUri http://127.0.0.1:9/ } |
            Should -Throw -ErrorId 'GoConfigInsecure,OpenCodeUsage.Commands.GetOpenCodeGoQuotaCommand' -ExpectedMessage "*chmod 600 $path*"
    }

    It 'puts no secret in any stream, with -Verbose and -Debug, on success and failure' {
        $env:OPENCODE_API_KEY = $secrets.OpenCodeApiKey
        $server = Start-Loopback @(@{ Status = 200; Body = $apiBody }, @{ Status = 401; Body = '{"type":"AuthError"}' })
        try {
            $text = & {
                Get-OpenCodeCredential -Verbose -Debug | Format-List * | Out-String
                Get-OpenCodeGoQuota -BaseUri $server.Uri -DataPath $data -Verbose -Debug | Format-List * | Out-String
                try { Get-OpenCodeGoQuota -BaseUri $server.Uri -DataPath $data -Verbose -Debug } catch { $_ | Format-List * -Force | Out-String; $_.Exception.ToString() }
            } *>&1 | Out-String
            $text | Should -Match 'GoAuthFailed'
            Get-Leak $text | Should -BeNullOrEmpty
        }
        finally { Stop-Loopback $server }
    }
}
