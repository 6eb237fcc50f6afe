import MemwallCalibration
import MemwallModel
import Testing
import _TestSupport

@Suite struct MeasurementCSVTests {
    static let header = "kernel,variant,shape,dtype,time_s,device,driver,library,date,source,bytes_hbm"
    static let valid = """
    # provenance notes are comments
    \(header)
    gemm,,m=256 n=512 k=1024,bf16,1.5e-5,"NVIDIA H100 80GB HBM3",550.54,"torch 2.4, cuBLAS 12.4",2024-06-01,measured,
    attention,math,b=2 hq=32 hkv=8 sq=1024 d=128 causal=1,fp16,0.002,A100,,,,"paper, Table 1",123456
    decode_attention,,b=4 hq=32 hkv=8 skv=4096 d=128,bf16,3e-5,A100,,,,measured,
    copy,,n=1000000,fp32,1e-5,A100,,,,measured,
    """

    @Test func readsRowsWithDefaultsAndProvenance() throws {
        let rows = try MeasurementCSV.parse(Self.valid, file: "m.csv")
        #expect(rows.count == 4)
        #expect(rows[0].kernel == .gemm && rows[0].shape == ["m": 256, "n": 512, "k": 1024, "b": 1])
        #expect(rows[0].provenance.library == "torch 2.4, cuBLAS 12.4")
        #expect(rows[0].location == "m.csv:3")
        #expect(rows[0].bytesByTier.isEmpty)
        #expect(rows[1].variant == "math" && rows[1].shape["skv"] == 1024 && rows[1].shape["causal"] == 1)
        #expect(rows[1].bytesByTier == ["hbm": 123456])
        #expect(rows[1].provenance.source == "paper, Table 1")
        #expect(rows[1].family == "attention/math")
        #expect(rows[2].shape["hkv"] == 8)
        #expect(rows[3].time == 1e-5)
    }

    /// Python's csv module (Scripts/measure) ends rows with CRLF.
    @Test func readsCRLFLineEnds() throws {
        let text = "kernel,shape,dtype,time_s,device,source\r\ngemm,m=1 n=2 k=3,bf16,1e-3,x,y\r\ncopy,n=8,bf16,2e-3,x,y\r\n"
        let rows = try MeasurementCSV.parse(text, file: "crlf.csv")
        #expect(rows.count == 2)
        #expect(rows[1].location == "crlf.csv:3" && rows[1].provenance.source == "y")
    }

    @Test func attentionDefaultsToTheFlashBackend() throws {
        let rows = try MeasurementCSV.parse("kernel,shape,dtype,time_s,device,source\nattention,b=1 hq=8 sq=512 d=64,bf16,1e-4,x,y\n")
        #expect(rows[0].variant == "flash")
        #expect(rows[0].shape["hkv"] == 8)
    }

    @Test(arguments: [
        ("kernel,shape,dtype,time_s,device\n", "m.csv:1: missing column 'source'"),
        ("kernel,shape,dtype,time_s,device,source,colour\n", "m.csv:1: column 7: unknown column 'colour'"),
        ("kernel,shape,dtype,time_s,device,source,kernel\n", "duplicate column 'kernel'"),
        ("# only a comment\n", "no header row"),
        ("kernel,shape,dtype,time_s,device,source\n", "no measurement rows"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=1 k=1,bf16,1e-3,x\n", "m.csv:2: 5 fields; expected 6"),
        ("kernel,shape,dtype,time_s,device,source\ngem,m=1 n=1 k=1,bf16,1e-3,x,y\n", "m.csv:2: column 'kernel': unknown kernel 'gem' (did you mean 'gemm'?)"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=1,bf16,1e-3,x,y\n", "missing k for gemm"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=1 k=0,bf16,1e-3,x,y\n", "k='0' is not an integer"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=1 k=1 q=2,bf16,1e-3,x,y\n", "unknown key 'q' for gemm"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 m=1 n=1 k=1,bf16,1e-3,x,y\n", "m given twice"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m:1 n=1 k=1,bf16,1e-3,x,y\n", "'m:1' is not key=value"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=1 k=1,bf17,1e-3,x,y\n", "unknown dtype 'bf17'"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=1 k=1,bf16,-1,x,y\n", "column 'time_s': '-1' is not a time"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=1 k=1,bf16,nan,x,y\n", "'nan' is not a time"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=1 k=1,bf16,1e-3,x,\n", "column 'source': empty"),
        ("kernel,shape,dtype,time_s,device,source,bytes_hbm\ngemm,m=1 n=1 k=1,bf16,1e-3,x,y,lots\n", "column 'bytes_hbm': 'lots' is not a byte count"),
        ("kernel,shape,dtype,time_s,device,source,variant\ngemm,m=1 n=1 k=1,bf16,1e-3,x,y,flash\n", "'flash' is not a variant of gemm"),
        ("kernel,shape,dtype,time_s,device,source\nattention,b=1 hq=6 hkv=4 sq=8 d=8,bf16,1e-3,x,y\n", "hq=6 is not a multiple of hkv=4"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=1 k=1,bf16,1e-3,\"x,y\n", "m.csv:2:"),
        ("kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=1 k=1,bf16,1e-3,x\"y\",z\n", "quote inside an unquoted field"),
        // A whole model's config keys stay within the model builder's ranges (review: 10^9 layers ran out of memory).
        ("kernel,shape,dtype,time_s,device,source\nmodel,h=8 hq=2 ffn=16 layers=1000000000 vocab=10 seq=4,bf16,1e-3,x,y\n",
         "layers='1000000000' is not an integer in 1...100000"),
        ("kernel,shape,dtype,time_s,device,source\nmodel,h=8 hq=2 ffn=16 layers=2 vocab=1000000000 seq=4,bf16,1e-3,x,y\n",
         "vocab='1000000000' is not an integer in 1...100000000"),
        ("kernel,shape,dtype,time_s,device,source\nlayer,h=2000000 hq=2 ffn=16 seq=4,bf16,1e-3,x,y\n",
         "h='2000000' is not an integer in 1...1048576"),
    ])
    func badInputIsLocatedAndSaysWhatWasExpected(text: String, expected: String) {
        do {
            _ = try MeasurementCSV.parse(text, file: "m.csv")
            Issue.record("expected an error containing \(expected)")
        } catch {
            #expect(error.description.hasPrefix("m.csv"), "\(error)")
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func missingFileIsAnError() {
        #expect(throws: SpecError.self) { _ = try MeasurementCSV.load(contentsOf: "/no/such/file.csv") }
    }

    /// Mutation fuzzing: thousands of random edits of a valid file either parse or throw a located
    /// SpecError; none traps (a trap would end the test process).
    @Test func mutatedFilesNeverTrap() {
        var rng = SplitMix64(seed: "measurement-csv".stableHash)
        let pool = Array(",\"=\n# -.e0123456789abkmnsqdhv_xyz\u{00e9}\r")
        let base = Array(Self.valid)
        var parsed = 0, rejected = 0
        for _ in 0..<3000 {
            var text = base
            for _ in 0...(rng.next() % 4) {
                let position = Int(rng.next() % UInt64(text.count))
                switch rng.next() % 3 {
                case 0: text.remove(at: position)
                case 1: text.insert(pool[Int(rng.next() % UInt64(pool.count))], at: position)
                default: text[position] = pool[Int(rng.next() % UInt64(pool.count))]
                }
                if text.isEmpty { text = ["x"] }
            }
            do {
                let rows = try MeasurementCSV.parse(String(text), file: "fuzz.csv")
                #expect(rows.allSatisfy { $0.time > 0 && $0.time.isFinite })
                parsed += 1
            } catch {
                #expect(error.description.hasPrefix("fuzz.csv"))
                rejected += 1
            }
        }
        #expect(parsed > 0 && rejected > 0)
    }
}

@Suite struct MeasurementCSVLimitTests {
    @Test func oversizedFilesAreRefused() {
        let big = String(repeating: "#", count: SpecDocument.maximumSize + 1)
        do {
            _ = try MeasurementCSV.parse(big, file: "big.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("expected at most"))
        }
    }
}
