//! Machine metadata for result files, read from /proc and uname: what a reader on another machine needs
//! to judge a comparison (CPU, cores, allowed CPU set, memory, OS, kernel, rustc, governor), and the
//! stable machine id that files are stored under; CPU sets written the way taskset and /proc write them.

use crate::results::Machine;

/// Describe this machine; `id` overrides the derived machine id (CI runners with random hostnames).
pub fn describe(id: Option<&str>) -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, v)| v.trim())
        })
        .unwrap_or("unknown")
        .to_string();
    let logical_cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let logical_cores = logical_cores.max(count_cpus(&cpuinfo));
    let hostname = uname_field(|u| &u.nodename);
    let memory_bytes = meminfo_total();
    let allowed_cpus = allowed_cpus();
    let derived = {
        let hash = fnv1a(format!("{cpu_model}|{logical_cores}|{memory_bytes}").as_bytes());
        let mut id = format!("{}-{:08x}", slug(&hostname), hash as u32);
        if allowed_cpus.len() < logical_cores {
            id.push_str(&format!("-cpus{}", allowed_cpus.len()));
        }
        id
    };
    Machine {
        machine_id: id.map(slug).unwrap_or(derived),
        hostname,
        physical_cores: physical_cores(&cpuinfo),
        cpu_model,
        logical_cores,
        memory_bytes,
        os: os_name(),
        kernel: format!(
            "{} {}",
            uname_field(|u| &u.sysname),
            uname_field(|u| &u.release)
        ),
        rustc: env!("CONCBENCH_RUSTC").to_string(),
        governor: std::fs::read_to_string("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
            .ok()
            .map(|s| s.trim().to_string()),
        allowed_cpus,
    }
}

/// CPUs this process may run on.
pub fn allowed_cpus() -> Vec<usize> {
    // SAFETY: cpu_set_t is plain data; sched_getaffinity fills it for this process.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return (0..std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1))
                .collect();
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&c| libc::CPU_ISSET(c, &set))
            .collect()
    }
}

/// `0-3,6`: ranges of consecutive CPU ids, as taskset and /proc print them.
pub fn cpu_list(cpus: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cpus.len() {
        let mut j = i;
        while j + 1 < cpus.len() && cpus[j + 1] == cpus[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            cpus[i].to_string()
        } else {
            format!("{}-{}", cpus[i], cpus[j])
        });
        i = j + 1;
    }
    parts.join(",")
}

/// A name safe as one path component: lowercase letters, digits and `-` only (no `/`, no `..`).
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "machine".into()
    } else {
        out
    }
}

/// FNV-1a: a hash that stays the same across Rust versions, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

fn count_cpus(cpuinfo: &str) -> usize {
    cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count()
}

fn physical_cores(cpuinfo: &str) -> Option<usize> {
    let mut cores = std::collections::BTreeSet::new();
    let (mut phys, mut core) = (None, None);
    for line in cpuinfo.lines().chain(std::iter::once("")) {
        let value = || line.split_once(':').map(|(_, v)| v.trim().to_string());
        if line.starts_with("physical id") {
            phys = value();
        } else if line.starts_with("core id") {
            core = value();
        } else if line.trim().is_empty() {
            if let (Some(p), Some(c)) = (phys.take(), core.take()) {
                cores.insert((p, c));
            }
        }
    }
    (!cores.is_empty()).then_some(cores.len())
}

fn meminfo_total() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("MemTotal:")
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            })
        })
        .map(|kib| kib * 1024)
        .unwrap_or(0)
}

fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.to_string())
}

fn uname_field(pick: impl Fn(&libc::utsname) -> &[libc::c_char; 65]) -> String {
    // SAFETY: utsname is plain data that uname fills with NUL-terminated strings.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return "unknown".into();
        }
        std::ffi::CStr::from_ptr(pick(&u).as_ptr())
            .to_string_lossy()
            .into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists_compress_ranges() {
        assert_eq!(cpu_list(&[0, 1, 2, 3, 6, 8, 9]), "0-3,6,8-9");
        assert_eq!(cpu_list(&[4]), "4");
        assert_eq!(cpu_list(&[]), "");
    }

    #[test]
    fn slugs_cannot_escape_a_directory() {
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("My Laptop.local"), "my-laptop-local");
        assert_eq!(slug("///"), "machine");
    }

    #[test]
    fn describes_this_machine() {
        let m = describe(None);
        assert!(m.logical_cores >= 1 && !m.allowed_cpus.is_empty());
        assert!(m.memory_bytes > 0);
        assert!(m.machine_id.starts_with(&slug(&m.hostname)));
        assert_eq!(describe(Some("ci runner/1")).machine_id, "ci-runner-1");
        assert_eq!(
            m.machine_id,
            describe(None).machine_id,
            "stable across calls"
        );
    }
}
