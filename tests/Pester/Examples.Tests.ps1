# Every example in the cmdlets' help (module/help/*.xml) and in README.md, run on this pwsh (a fresh process each,
# 80 columns, as a user would paste it) against the sample data (samples/opencode-sample) and checked. The examples
# are read from the files: a new one is tested without editing this file. See Examples.Helpers.ps1 for the rules.

BeforeDiscovery {
    . "$PSScriptRoot/Examples.Helpers.ps1"
    $examples = @(Get-DocExample -Repo (Resolve-Path "$PSScriptRoot/../..").Path)
    # OPENCODEUSAGE_EXAMPLES='*Watch*' runs only the examples whose "source: title" is like it (for working on one).
    if ($env:OPENCODEUSAGE_EXAMPLES) { $examples = @($examples | Where-Object { "$($_.Source): $($_.Title)" -like $env:OPENCODEUSAGE_EXAMPLES }) }
}

BeforeAll {
    . "$PSScriptRoot/Examples.Helpers.ps1"
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    $figures = Get-SampleFigure -Repo $repo
    $totals = Get-SampleTotal -Repo $repo
    $all = @(Get-DocExample -Repo $repo)
}

Describe 'Examples' {
    It 'finds the examples of every cmdlet''s help and of the README' {
        $sources = $all | ForEach-Object { $_.Source } | ForEach-Object { ($_ -split ':')[0] } | Sort-Object -Unique
        $sources | Should -Contain 'README.md'
        (Get-ChildItem "$repo/module/help/*.xml").BaseName | ForEach-Object { $sources | Should -Contain $_ }
    }

    It '<Source>: <Title>' -ForEach $examples {
        if ($Skip) { Set-ItResult -Skipped -Because $Skip; return }
        $run = Invoke-DocExample -Repo $repo -Code $Code
        $shown = "--- stdout`n$($run.Text)`n--- stderr`n$($run.Errors)"

        if ($ExpectedError) {
            $run.Errors | Should -Match $ExpectedError -Because $shown
        }
        else {
            $run.Errors | Should -BeNullOrEmpty -Because $shown
        }

        # Under Set-StrictMode (build.ps1), only real entries: an empty pipeline can leave a $null in the list.
        $files = @($run.Files | Where-Object { $null -ne $_ -and $_.PSObject.Properties['Path'] })
        if (-not $MayBeEmpty -and -not $ExpectedError) {
            ($run.Text.Trim() + (@($files | ForEach-Object { $_.Path }) -join '')) | Should -Not -BeNullOrEmpty -Because "it prints something or writes a file`n$shown"
            $files | ForEach-Object { $_.Length | Should -BeGreaterThan 0 -Because "$($_.Path) holds something" }
        }

        # Each cost is one of the sample's figures (expected-usage.tsv, expected.tsv) or the fakes' (the delegate recording,
        # the watched step), or together they make one of the sample's totals (per-message records).
        $costs = @($run.Objects | Where-Object { $null -ne $_.PSObject.Properties['Cost'] -and $_.Cost -is [ValueType] } | ForEach-Object { [decimal]$_.Cost })
        if ($costs.Count -gt 0) {
            $sum = ($costs | Measure-Object -Sum).Sum
            $each = @($costs | Where-Object { -not (Test-Figure $figures $_) })
            if ($each.Count -gt 0 -and -not (Test-Figure $totals $sum)) {
                throw "costs $($each -join ', ') (sum $sum) are none of the sample's figures`n$shown"
            }
        }

        # PowerShell 7.3+ prints a bare decimal in a table with the culture's two digits: a real cost below half a cent
        # must never read as zero (every figure of the sample and the fakes is above zero).
        $run.Text | Should -Not -Match '(?<![\d.,])0\.0+(?![\d])' -Because "no non-zero figure prints as zero`n$shown"
    }
}
