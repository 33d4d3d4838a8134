// Contains public sector information licensed under the Open Government Licence v3.0, from the
// Office of Rail and Road's Estimates of station usage (2023-24).
//
// Yearly entries and exits of the busiest stations in Great Britain, by CRS code, rounded to the
// nearest 100,000. They only rank the choices offered when what a passenger typed fits several
// stations ("manchester" offers Piccadilly first), so they need to be right in order of magnitude,
// not to the last passenger; figures below the top thirty are approximate. A station missing here
// counts as UNLISTED_STATION_USAGE, below every listed one.

/** What a station not in the table is taken to have: less than any station that is. */
export const UNLISTED_STATION_USAGE = 100_000;

export const yearlyEntriesAndExits: Readonly<Record<string, number>> = {
  // London termini and the central Elizabeth line stations
  LST: 94_500_000, // London Liverpool Street
  PAD: 66_900_000, // London Paddington
  TCR: 64_200_000, // Tottenham Court Road
  WAT: 62_500_000, // London Waterloo
  SRA: 56_600_000, // Stratford (London)
  VIC: 50_800_000, // London Victoria
  LBG: 50_000_000, // London Bridge
  ZFD: 46_000_000, // Farringdon
  BDS: 38_300_000, // Bond Street
  EUS: 36_200_000, // London Euston
  STP: 36_000_000, // London St Pancras International
  ZLW: 35_200_000, // Whitechapel
  KGX: 24_500_000, // London Kings Cross
  CLJ: 22_900_000, // Clapham Junction
  HHY: 21_800_000, // Highbury & Islington
  ECR: 19_600_000, // East Croydon
  CHX: 17_700_000, // London Charing Cross
  ZCW: 17_500_000, // Canada Water
  RMF: 14_800_000, // Romford
  CWX: 14_800_000, // Canary Wharf
  VXH: 14_000_000, // Vauxhall
  WIM: 13_500_000, // Wimbledon
  MYB: 11_000_000, // London Marylebone
  EAL: 11_000_000, // Ealing Broadway
  CST: 10_500_000, // London Cannon Street
  BFR: 10_500_000, // London Blackfriars
  FST: 10_000_000, // London Fenchurch Street
  IFD: 9_000_000, // Ilford
  ABW: 8_000_000, // Abbey Wood
  FPK: 8_000_000, // Finsbury Park
  WEH: 7_000_000, // West Ham
  TOM: 7_000_000, // Tottenham Hale
  LEW: 7_000_000, // Lewisham
  PMR: 6_000_000, // Peckham Rye
  RMD: 6_500_000, // Richmond
  SUR: 6_500_000, // Surbiton
  WAE: 5_500_000, // London Waterloo East
  DMK: 5_500_000, // Denmark Hill
  BAL: 5_500_000, // Balham
  NXG: 5_000_000, // New Cross Gate
  PUT: 5_000_000, // Putney
  KNG: 5_000_000, // Kingston
  SPB: 5_000_000, // Shepherds Bush
  WIJ: 5_000_000, // Willesden Junction
  BMS: 5_000_000, // Bromley South
  ORP: 5_000_000, // Orpington
  CTK: 4_500_000, // City Thameslink
  SVS: 4_500_000, // Seven Sisters
  HRW: 4_500_000, // Harrow & Wealdstone
  HAY: 4_500_000, // Hayes & Harlington
  STL: 4_500_000, // Southall
  WCY: 4_500_000, // West Croydon
  SNF: 4_500_000, // Shenfield
  MOG: 4_000_000, // Moorgate
  HKC: 4_000_000, // Hackney Central
  DLK: 4_000_000, // Dalston Kingsland
  DLJ: 4_000_000, // Dalston Junction
  SQE: 4_000_000, // Surrey Quays
  FOG: 4_000_000, // Forest Gate
  SUO: 4_000_000, // Sutton (London)
  DFD: 4_000_000, // Dartford
  HAC: 3_500_000, // Hackney Downs
  TWI: 3_500_000, // Twickenham
  WHP: 3_500_000, // West Hampstead Thameslink
  EPH: 3_500_000, // Elephant & Castle
  NWX: 3_000_000, // New Cross
  GNW: 3_000_000, // Greenwich
  WMB: 3_000_000, // Wembley Central
  KTN: 3_000_000, // Kentish Town
  MYL: 3_000_000, // Maryland
  EPS: 3_000_000, // Epsom
  OLD: 2_500_000, // Old Street
  WCX: 2_000_000, // Wembley Stadium
  BRX: 2_000_000, // Brixton

  // Airports
  GTW: 19_500_000, // Gatwick Airport
  HXX: 5_000_000, // Heathrow Terminals 2 & 3
  MIA: 4_000_000, // Manchester Airport
  SSD: 3_000_000, // Stansted Airport
  HWV: 3_000_000, // Heathrow Terminal 5
  LTN: 2_000_000, // Luton Airport Parkway
  SOA: 1_500_000, // Southampton Airport Parkway
  HAF: 1_000_000, // Heathrow Terminal 4

  // South East and East of England
  BTN: 14_500_000, // Brighton
  RDG: 13_500_000, // Reading
  CBG: 11_000_000, // Cambridge
  OXF: 7_500_000, // Oxford
  CHM: 7_500_000, // Chelmsford
  WOK: 7_000_000, // Woking
  GLD: 7_000_000, // Guildford
  WFJ: 7_000_000, // Watford Junction
  SLO: 6_500_000, // Slough
  SAC: 6_000_000, // St Albans City
  SOU: 6_000_000, // Southampton Central
  MKC: 5_500_000, // Milton Keynes Central
  MAI: 4_500_000, // Maidenhead
  PBO: 4_500_000, // Peterborough
  BSK: 4_000_000, // Basingstoke
  SVG: 4_000_000, // Stevenage
  COL: 4_000_000, // Colchester
  NRW: 4_000_000, // Norwich
  TON: 4_000_000, // Tonbridge
  HHE: 4_000_000, // Haywards Heath
  WIN: 4_000_000, // Winchester
  AFK: 3_000_000, // Ashford International
  SEV: 3_000_000, // Sevenoaks
  TBW: 3_000_000, // Tunbridge Wells
  GRV: 3_000_000, // Gravesend
  IPS: 3_000_000, // Ipswich
  LUT: 3_000_000, // Luton
  BDM: 3_000_000, // Bedford
  WGC: 3_000_000, // Welwyn Garden City
  SOV: 3_000_000, // Southend Victoria
  SOC: 3_000_000, // Southend Central
  HOV: 3_000_000, // Hove
  TBD: 3_000_000, // Three Bridges
  RDH: 3_000_000, // Redhill
  EBN: 3_000_000, // Eastbourne
  WRH: 3_000_000, // Worthing
  BMH: 3_000_000, // Bournemouth
  HIT: 2_500_000, // Hitchin
  HWN: 2_500_000, // Harlow Town
  BIS: 2_500_000, // Bishops Stortford
  PMS: 2_500_000, // Portsmouth & Southsea
  CMB: 2_000_000, // Cambridge North
  CBW: 2_000_000, // Canterbury West
  HRH: 2_000_000, // Horsham
  LWS: 2_000_000, // Lewes
  CCH: 2_000_000, // Chichester
  CBE: 1_500_000, // Canterbury East
  PMH: 1_500_000, // Portsmouth Harbour

  // South West and Wales
  CDF: 11_500_000, // Cardiff Central
  BRI: 11_000_000, // Bristol Temple Meads
  BTH: 5_500_000, // Bath Spa
  SWI: 4_000_000, // Swindon
  CDQ: 3_500_000, // Cardiff Queen Street
  EXD: 2_800_000, // Exeter St Davids
  NWP: 2_700_000, // Newport (South Wales)
  BPW: 2_500_000, // Bristol Parkway
  PLY: 2_400_000, // Plymouth
  SWA: 2_200_000, // Swansea
  CNM: 2_000_000, // Cheltenham Spa
  GCR: 1_800_000, // Gloucester
  TRU: 1_300_000, // Truro
  TAU: 1_200_000, // Taunton

  // Midlands
  BHM: 33_300_000, // Birmingham New Street
  BMO: 7_000_000, // Birmingham Moor Street
  COV: 7_000_000, // Coventry
  NOT: 7_000_000, // Nottingham
  LEI: 5_000_000, // Leicester
  BHI: 4_500_000, // Birmingham International
  WVH: 4_500_000, // Wolverhampton
  BSW: 4_000_000, // Birmingham Snow Hill
  DBY: 4_000_000, // Derby
  UNI: 3_000_000, // University (Birmingham)
  SOT: 3_000_000, // Stoke-on-Trent
  LCN: 1_500_000, // Lincoln

  // North of England
  MAN: 25_800_000, // Manchester Piccadilly
  LDS: 24_900_000, // Leeds
  LVC: 12_600_000, // Liverpool Central
  LIV: 12_000_000, // Liverpool Lime Street
  YRK: 9_500_000, // York
  SHF: 8_500_000, // Sheffield
  MCV: 8_000_000, // Manchester Victoria
  NCL: 8_000_000, // Newcastle
  MCO: 7_500_000, // Manchester Oxford Road
  MRF: 5_000_000, // Moorfields
  PRE: 4_500_000, // Preston
  SPT: 4_000_000, // Stockport
  HUD: 4_000_000, // Huddersfield
  CTR: 4_000_000, // Chester
  DON: 3_500_000, // Doncaster
  BON: 3_000_000, // Bolton
  CRE: 3_000_000, // Crewe
  LVJ: 3_000_000, // Liverpool James Street
  LPY: 3_000_000, // Liverpool South Parkway
  DHM: 2_500_000, // Durham
  DAR: 2_500_000, // Darlington
  HUL: 2_500_000, // Hull
  DGT: 2_000_000, // Deansgate
  BDI: 2_000_000, // Bradford Interchange
  WKF: 2_000_000, // Wakefield Westgate
  SOP: 2_000_000, // Southport
  WGN: 1_500_000, // Wigan North Western
  BPN: 1_500_000, // Blackpool North
  LAN: 1_500_000, // Lancaster
  WBQ: 1_500_000, // Warrington Bank Quay
  WAC: 1_500_000, // Warrington Central
  BDQ: 1_500_000, // Bradford Forster Square
  HGT: 1_500_000, // Harrogate
  MBR: 1_000_000, // Middlesbrough

  // Scotland
  GLC: 25_000_000, // Glasgow Central
  EDB: 21_300_000, // Edinburgh Waverley
  GLQ: 14_500_000, // Glasgow Queen Street
  HYM: 7_000_000, // Haymarket
  PYG: 3_500_000, // Paisley Gilmour Street
  PTK: 3_000_000, // Partick
  STG: 2_500_000, // Stirling
  CHC: 2_000_000, // Charing Cross (Glasgow)
  AGS: 2_000_000, // Argyle Street
  ABD: 2_000_000, // Aberdeen
  DEE: 1_500_000, // Dundee
  EDP: 1_500_000, // Edinburgh Park
  MTH: 1_500_000, // Motherwell
  PTH: 1_000_000, // Perth
  INV: 1_000_000, // Inverness
  EGY: 1_000_000, // Edinburgh Gateway
};
