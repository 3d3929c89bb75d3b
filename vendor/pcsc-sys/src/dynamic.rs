//! Tessera patch: pcsc-lite loaded at run time.
//!
//! The released crate links `libpcsclite` (found with pkg-config at build
//! time), so a program using it neither builds without the PC/SC
//! development package nor starts without the library. Here the library
//! is opened (`dlopen`, through `libloading`) the first time any function
//! is called; the functions keep their names, types and results, so the
//! `pcsc` crate above works unchanged. When the library cannot be loaded,
//! every function returns `SCARD_E_NO_SERVICE` (as it would with no
//! `pcscd`) and [`library_error`] says what failed.

use std::os::raw::{c_char, c_void};
use std::sync::OnceLock;

use libloading::Library;

use super::{
    DWORD, LONG, SCARDCONTEXT, SCARDHANDLE, SCARD_E_NO_SERVICE, SCARD_IO_REQUEST,
    SCARD_PROTOCOL_RAW, SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1, SCARD_READERSTATE,
};

/// The names tried, in order: the runtime package's soname, then the
/// development package's link.
pub const LIBRARY_NAMES: [&str; 2] = ["libpcsclite.so.1", "libpcsclite.so"];

const PCI_LENGTH: DWORD = std::mem::size_of::<SCARD_IO_REQUEST>() as DWORD;

// pcsc-lite defines these as `{ protocol, sizeof(SCARD_IO_REQUEST) }`
// (src/winscard_clnt.c), and reads only those two fields of the pointer
// passed to SCardTransmit, so the program's own copies serve.
/// The T=0 protocol's control information.
pub static g_rgSCardT0Pci: SCARD_IO_REQUEST = SCARD_IO_REQUEST {
    dwProtocol: SCARD_PROTOCOL_T0,
    cbPciLength: PCI_LENGTH,
};
/// The T=1 protocol's control information.
pub static g_rgSCardT1Pci: SCARD_IO_REQUEST = SCARD_IO_REQUEST {
    dwProtocol: SCARD_PROTOCOL_T1,
    cbPciLength: PCI_LENGTH,
};
/// The raw protocol's control information.
pub static g_rgSCardRawPci: SCARD_IO_REQUEST = SCARD_IO_REQUEST {
    dwProtocol: SCARD_PROTOCOL_RAW,
    cbPciLength: PCI_LENGTH,
};

static API: OnceLock<Result<Api, String>> = OnceLock::new();

fn api() -> Result<&'static Api, &'static str> {
    API.get_or_init(Api::open)
        .as_ref()
        .map_err(String::as_str)
}

/// Why pcsc-lite could not be loaded (`None` when it was, or has not been
/// tried: this tries it).
pub fn library_error() -> Option<&'static str> {
    api().err()
}

macro_rules! pcsc_lite {
    ($( fn $name:ident ( $($arg:ident : $ty:ty),* $(,)? ); )*) => {
        #[allow(non_snake_case)]
        struct Api {
            $( $name: unsafe extern "C" fn($($ty),*) -> LONG, )*
            // Kept open for as long as the pointers above are used: the
            // whole run (the `OnceLock` is never dropped).
            _library: Library,
        }

        impl Api {
            fn open() -> Result<Self, String> {
                let mut tried = Vec::new();
                for name in LIBRARY_NAMES {
                    // SAFETY: pcsc-lite's initialisers only set up its
                    // client state; loading it runs nothing else.
                    match unsafe { Library::new(name) } {
                        Ok(library) => return Self::resolve(library, name),
                        Err(e) => tried.push(format!("{name}: {e}")),
                    }
                }
                Err(tried.join("; "))
            }

            fn resolve(library: Library, name: &str) -> Result<Self, String> {
                Ok(Self {
                    $( $name: {
                        // SAFETY: the type is pcsc-lite's prototype of this
                        // function (winscard.h), as the released crate
                        // declares it.
                        let symbol = unsafe {
                            library.get::<unsafe extern "C" fn($($ty),*) -> LONG>(
                                concat!(stringify!($name), "\0").as_bytes(),
                            )
                        };
                        *symbol.map_err(|e| format!("{name} has no {}: {e}", stringify!($name)))?
                    }, )*
                    _library: library,
                })
            }
        }

        $(
            /// As pcsc-lite's function of this name (loaded on first use;
            /// `SCARD_E_NO_SERVICE` when the library is missing).
            ///
            /// # Safety
            ///
            /// As the C function: the pointers must be valid for it.
            pub unsafe fn $name($($arg: $ty),*) -> LONG {
                match api() {
                    // SAFETY: the caller upholds the C function's contract.
                    Ok(api) => unsafe { (api.$name)($($arg),*) },
                    Err(_) => SCARD_E_NO_SERVICE,
                }
            }
        )*
    };
}

pcsc_lite! {
    fn SCardEstablishContext(
        dwScope: DWORD,
        pvReserved1: *const c_void,
        pvReserved2: *const c_void,
        phContext: *mut SCARDCONTEXT,
    );
    fn SCardReleaseContext(hContext: SCARDCONTEXT);
    fn SCardIsValidContext(hContext: SCARDCONTEXT);
    fn SCardCancel(hContext: SCARDCONTEXT);
    fn SCardConnect(
        hContext: SCARDCONTEXT,
        szReader: *const c_char,
        dwShareMode: DWORD,
        dwPreferredProtocols: DWORD,
        phCard: *mut SCARDHANDLE,
        pdwActiveProtocol: *mut DWORD,
    );
    fn SCardReconnect(
        hCard: SCARDHANDLE,
        dwShareMode: DWORD,
        dwPreferredProtocols: DWORD,
        dwInitialization: DWORD,
        pdwActiveProtocol: *mut DWORD,
    );
    fn SCardDisconnect(hCard: SCARDHANDLE, dwDisposition: DWORD);
    fn SCardGetStatusChange(
        hContext: SCARDCONTEXT,
        dwTimeout: DWORD,
        rgReaderStates: *mut SCARD_READERSTATE,
        cReaders: DWORD,
    );
    fn SCardListReaders(
        hContext: SCARDCONTEXT,
        mszGroups: *const c_char,
        mszReaders: *mut c_char,
        pcchReaders: *mut DWORD,
    );
    fn SCardBeginTransaction(hCard: SCARDHANDLE);
    fn SCardEndTransaction(hCard: SCARDHANDLE, dwDisposition: DWORD);
    fn SCardStatus(
        hCard: SCARDHANDLE,
        szReaderName: *mut c_char,
        pcchReaderLen: *mut DWORD,
        pdwState: *mut DWORD,
        pdwProtocol: *mut DWORD,
        pbAtr: *mut u8,
        pcbAtrLen: *mut DWORD,
    );
    fn SCardGetAttrib(hCard: SCARDHANDLE, dwAttrId: DWORD, pbAttr: *mut u8, pcbAttrLen: *mut DWORD);
    fn SCardSetAttrib(hCard: SCARDHANDLE, dwAttrId: DWORD, pbAttr: *const u8, pcbAttrLen: DWORD);
    fn SCardTransmit(
        hCard: SCARDHANDLE,
        pioSendPci: *const SCARD_IO_REQUEST,
        pbSendBuffer: *const u8,
        cbSendLength: DWORD,
        pioRecvPci: *mut SCARD_IO_REQUEST,
        pbRecvBuffer: *mut u8,
        pcbRecvLength: *mut DWORD,
    );
    fn SCardControl(
        hCard: SCARDHANDLE,
        dwControlCode: DWORD,
        pbSendBuffer: *const u8,
        cbSendLength: DWORD,
        pbRecvBuffer: *mut u8,
        cbRecvLength: DWORD,
        lpBytesReturned: *mut DWORD,
    );
}
